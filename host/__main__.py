"""`python -m flavorhost.host`: run the host in the foreground."""

from flavorhost.host.daemon import main

if __name__ == "__main__":
    main()
