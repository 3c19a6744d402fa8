from visio_archive.cli import main

main()
