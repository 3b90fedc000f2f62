"""A loopback Bot API server for the demo and the tests, and a driver that acts as people."""

from sandbox.driver import SandboxDriver
from sandbox.server import Sandbox

__all__ = ["Sandbox", "SandboxDriver"]
