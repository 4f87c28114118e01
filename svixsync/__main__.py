from svixsync.cli import main

main()
