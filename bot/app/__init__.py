"""Entry points and wiring: the `gridbot` command line, the python-telegram-bot Application, the demo and the
harness that runs the bot beside a sandbox. The top layer: it may import every other layer."""
