"""`python -m dajet_mock`: the same as the `dajet-mock` command."""

from dajet_mock.cli import main

raise SystemExit(main())
