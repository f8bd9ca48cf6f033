"""The ``docintel`` command: thin subcommands over pipeline/."""
