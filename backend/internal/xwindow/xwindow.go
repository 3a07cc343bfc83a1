// Package xwindow closes a window the way a window manager does, for tests
// that run the real app under Xvfb (which has no window manager).
package xwindow

import (
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"strings"
	"time"
)

// Close sends the window a WM_DELETE_WINDOW client message, as a
// window manager does when the close button is clicked (Xvfb runs none),
// speaking the X11 protocol directly over the display's socket.
func Close(display string, win uint32) error {
	if win == 0 {
		return fmt.Errorf("no window to close")
	}
	conn, err := net.Dial("unix", "/tmp/.X11-unix/X"+strings.TrimPrefix(display, ":"))
	if err != nil {
		return fmt.Errorf("connect to X server: %w", err)
	}
	defer conn.Close()
	if err := conn.SetDeadline(time.Now().Add(5 * time.Second)); err != nil {
		return fmt.Errorf("set deadline: %w", err)
	}
	le := binary.LittleEndian
	setup := make([]byte, 12)
	setup[0] = 'l' // little-endian, protocol 11.0, no authorisation
	le.PutUint16(setup[2:], 11)
	if _, err := conn.Write(setup); err != nil {
		return fmt.Errorf("send X setup: %w", err)
	}
	head := make([]byte, 8)
	if _, err := io.ReadFull(conn, head); err != nil {
		return fmt.Errorf("read X setup reply: %w", err)
	}
	if head[0] != 1 {
		return fmt.Errorf("the X server refused the connection")
	}
	if _, err := io.CopyN(io.Discard, conn, int64(le.Uint16(head[6:]))*4); err != nil {
		return fmt.Errorf("read X setup data: %w", err)
	}
	atom := func(name string) (uint32, error) {
		req := make([]byte, 8+(len(name)+3)/4*4)
		req[0] = 16 // InternAtom
		le.PutUint16(req[2:], uint16(len(req)/4))
		le.PutUint16(req[4:], uint16(len(name)))
		copy(req[8:], name)
		if _, err := conn.Write(req); err != nil {
			return 0, fmt.Errorf("send InternAtom: %w", err)
		}
		reply := make([]byte, 32)
		if _, err := io.ReadFull(conn, reply); err != nil {
			return 0, fmt.Errorf("read InternAtom reply: %w", err)
		}
		if reply[0] != 1 {
			return 0, fmt.Errorf("InternAtom %s: X error %d", name, reply[1])
		}
		return le.Uint32(reply[8:]), nil
	}
	protocols, err := atom("WM_PROTOCOLS")
	if err != nil {
		return err
	}
	del, err := atom("WM_DELETE_WINDOW")
	if err != nil {
		return err
	}
	req := make([]byte, 44)
	req[0] = 25 // SendEvent, no propagation, event mask 0: to the window's owner
	le.PutUint16(req[2:], 11)
	le.PutUint32(req[4:], win)
	ev := req[12:]
	ev[0] = 33 // ClientMessage
	ev[1] = 32 // format
	le.PutUint32(ev[4:], win)
	le.PutUint32(ev[8:], protocols)
	le.PutUint32(ev[12:], del)
	if _, err := conn.Write(req); err != nil {
		return fmt.Errorf("send close request: %w", err)
	}
	_, err = atom("WM_DELETE_WINDOW") // a round trip: the event has been sent
	return err
}
