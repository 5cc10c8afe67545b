package main

// notifierBufferBytes is what each watcher holds: the leak's memory per request served.
const notifierBufferBytes = 16 << 10

// notifier is v1.3.x's bug: every request subscribes a watcher for order updates that are never
// published and never unsubscribed, so one goroutine and its buffer stay behind per request.
type notifier struct {
	updates chan []byte // nobody sends on it or closes it
}

func newNotifier() *notifier {
	return &notifier{updates: make(chan []byte)}
}

// subscribe starts the watcher of one request.
func (n *notifier) subscribe() {
	go n.watch(filled(notifierBufferBytes))
}

// watch waits for updates that never come; its buffer stays reachable as long as it waits.
func (n *notifier) watch(buffer []byte) {
	for update := range n.updates {
		copy(buffer, update)
	}
}

// filled allocates size bytes and writes to every page, so they count in the heap and the RSS.
func filled(size int) []byte {
	buffer := make([]byte, size)
	for i := range buffer {
		buffer[i] = byte(i)
	}
	return buffer
}
