"""Networking: wire schemas, HTTP/WS client, discovery (zeroconf) and TLS pinning."""
