from socdesk.cli.main import main

main()
