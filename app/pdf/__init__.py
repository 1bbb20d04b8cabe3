"""PDF work without a screen: vetting uploads in a separate process, rendering and search for the reader, meeting packets, conversion."""
