"""Entry point of a sidecar process (launched by the host, never by hand)."""

from flavorhost.sidecar.runtime import main

if __name__ == "__main__":
    main()
