import sys

from modelcloud.cli import main

sys.exit(main())
