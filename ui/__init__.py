"""Qt user interface. Talks to ``core`` services only, never to SQL directly."""
