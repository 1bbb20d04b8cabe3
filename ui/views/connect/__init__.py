"""First contact with a server: find it (LAN or address), pair this device once, log in."""
