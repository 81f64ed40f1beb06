"""Protection of the public doors: login throttling, limits on the pre-registration form, client addresses, signing."""
