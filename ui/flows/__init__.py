"""Which window opens when: the demo (embedded server + launcher) and the client/kiosk flows."""
