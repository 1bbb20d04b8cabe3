"""Invitations: the secretariat's tracking board and send dialog, the delegate's inbox, the usage report."""
