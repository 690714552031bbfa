from socdesk.cli.main import app

app()
