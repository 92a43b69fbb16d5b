package rhombustest

import (
	"net"
	"sync/atomic"
)

// countingListener counts accepted connections at the socket, the only
// place where keep-alive reuse (few connections, many requests) shows.
type countingListener struct {
	net.Listener
	accepted atomic.Int64
}

func (l *countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err == nil {
		l.accepted.Add(1)
	}
	return c, err
}
