"""The phones' page: a small HTTP server the session screen runs inside the app's own event loop.

No Textual here. The server is handed a Room (the session screen) that says what the page shows and takes what
a phone sends through the same session operations the keyboard uses (facilitator/phones.py); it never opens a
file itself.
"""

from .server import PhoneServer, Room, RoomView

__all__ = ["PhoneServer", "Room", "RoomView"]
