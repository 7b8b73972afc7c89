"""The file handover exchange: frames on a unix socket, and file descriptors passed with them.

A sidecar whose flavor keeps files on this machine can hand a client on the same machine an open
descriptor (SCM_RIGHTS) instead of streaming the bytes over gRPC; the client then reads or writes
the file itself, at the speed of local I/O. Each frame is a 4-byte big-endian length and a
protobuf message (FileHandoverRequest / FileHandoverResponse, in artifact_store.proto, where the
exchange is specified). Both sides use these helpers.
"""

from __future__ import annotations

import errno
import os
import socket
import struct

from google.protobuf.message import Message

# Frames carry a few paths and names; anything larger is a peer that does not speak this.
MAX_FRAME_BYTES = 1 << 20
_LENGTH = struct.Struct(">I")


class FrameError(ConnectionError):
    """The peer closed the connection, or sent something that is not a frame."""


def send_frame(sock: socket.socket, message: Message, fd: int | None = None) -> None:
    """Sends one message, with `fd` attached when given."""
    body = message.SerializeToString()
    frame = _LENGTH.pack(len(body)) + body
    if fd is None:
        sock.sendall(frame)
        return
    sent = socket.send_fds(sock, [frame], [fd])
    if sent < len(frame):
        sock.sendall(frame[sent:])


def receive_frame(sock: socket.socket) -> tuple[bytes, list[int]]:
    """Receives one frame's message bytes and the descriptors that came with it."""
    data, fds, flags, _ = socket.recv_fds(sock, 64 * 1024, 1)
    for fd in fds:  # as Python's own files: not inherited by the receiver's child processes
        os.set_inheritable(fd, False)
    if flags & socket.MSG_CTRUNC:
        for fd in fds:
            socket.close(fd)
        raise OSError(
            errno.EMFILE,
            "a file descriptor sent to this process was dropped: it has too many files open; "
            "close some, or raise its limit (ulimit -n)",
        )
    if not data:
        raise FrameError("the connection closed before a frame")
    try:
        while len(data) < _LENGTH.size:
            data += _receive_some(sock)
        (length,) = _LENGTH.unpack_from(data)
        if length > MAX_FRAME_BYTES:
            raise FrameError(f"a frame of {length} bytes is over the {MAX_FRAME_BYTES} limit")
        while len(data) < _LENGTH.size + length:
            data += _receive_some(sock)
        if len(data) > _LENGTH.size + length:
            raise FrameError("the peer sent more than one frame at once")
    except BaseException:
        for fd in fds:
            socket.close(fd)
        raise
    return data[_LENGTH.size :], fds


def _receive_some(sock: socket.socket) -> bytes:
    chunk = sock.recv(64 * 1024)
    if not chunk:
        raise FrameError("the connection closed in the middle of a frame")
    return chunk
