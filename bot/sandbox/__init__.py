"""A loopback Bot API server for the demo and the tests, and a driver that acts as people."""

from bot.sandbox.driver import SandboxDriver
from bot.sandbox.server import Sandbox

__all__ = ["Sandbox", "SandboxDriver"]
