"""The embedded emulator for --local (the `local` extra): moto server, demo data, a poller that plays Lambda."""
