"""`python -m bench`: measure paper-reader's build, sync, queries and app against SQLite FTS5."""

from bench.run import main

raise SystemExit(main())
