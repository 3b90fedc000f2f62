"""gridbot: grid governance (网格化服务管理) on Telegram."""

__version__ = "0.1.0"
