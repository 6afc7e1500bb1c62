#!/usr/bin/python3
"""Locks or unlocks the test session's gnome-keyring login collection over D-Bus.

    keyring.py lock
    keyring.py unlock PASSWORD

Unlocking uses gnome-keyring's headless UnlockWithMasterPassword, which needs a Secret
Service session opened on the same connection. Only for the private test sessions.
"""
import sys

from jeepney import DBusAddress, new_method_call
from jeepney.io.blocking import open_dbus_connection

COLLECTION = "/org/freedesktop/secrets/collection/login"
SERVICE = DBusAddress("/org/freedesktop/secrets", bus_name="org.freedesktop.secrets",
                      interface="org.freedesktop.Secret.Service")
INTERNAL = DBusAddress("/org/freedesktop/secrets", bus_name="org.freedesktop.secrets",
                       interface="org.gnome.keyring.InternalUnsupportedGuiltRiddenInterface")


def main():
    conn = open_dbus_connection(bus="SESSION")
    if sys.argv[1] == "lock":
        conn.send_and_get_reply(new_method_call(SERVICE, "Lock", "ao", ([COLLECTION],)))
    elif sys.argv[1] == "unlock":
        password = sys.argv[2].encode()
        reply = conn.send_and_get_reply(
            new_method_call(SERVICE, "OpenSession", "sv", ("plain", ("s", ""))))
        session = reply.body[1]
        conn.send_and_get_reply(new_method_call(
            INTERNAL, "UnlockWithMasterPassword", "o(oayays)",
            (COLLECTION, (session, b"", password, "text/plain"))))
    else:
        sys.exit("usage: keyring.py lock | unlock PASSWORD")
    conn.close()


if __name__ == "__main__":
    main()
