"""Client-side proxies: objects with a component's interface whose calls go through the host."""
