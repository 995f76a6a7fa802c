import sys

from gui_app.app import main

sys.exit(main())
