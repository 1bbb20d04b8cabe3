"""Small reusable parts shared by the screens: badges, pills, banners, spinner, icons."""
