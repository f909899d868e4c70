package archive

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"zaakarchief/archive/target"
)

// permanent reports errors another try cannot cure: content that does not match its SHA-256,
// an object lock refusal, a missing object or blob, a cancelled run.
func permanent(err error) bool {
	return errors.Is(err, target.ErrChecksumMismatch) || errors.Is(err, target.ErrLocked) ||
		errors.Is(err, os.ErrNotExist) || errors.Is(err, context.Canceled)
}

// try runs fn up to a.attempts times, each try bounded by a.timeout, pausing a.backoff and then
// twice as long before each next try. The target retries a failed request itself (connection
// errors, 5xx); this loop adds a bound on a server that stops answering and a second round
// after a longer pause. It returns fn's last error with the number of tries.
func (a *Archiver) try(ctx context.Context, what string, fn func(ctx context.Context) error) error {
	pause := a.backoff
	var err error
	for n := 1; ; n++ {
		actx, cancel := context.WithTimeout(ctx, a.timeout)
		err = fn(actx)
		timedOut := actx.Err() != nil && ctx.Err() == nil
		cancel()
		if err == nil {
			return nil
		}
		if timedOut {
			err = fmt.Errorf("%w (no answer within %s)", err, a.timeout)
		}
		if ctx.Err() != nil || n >= a.attempts || (permanent(err) && !timedOut) {
			if n > 1 {
				return fmt.Errorf("%s: %w (after %d tries)", what, err, n)
			}
			return fmt.Errorf("%s: %w", what, err)
		}
		a.log.WarnContext(ctx, "archive: retrying", "what", what, "try", n, "pause", pause, "err", err)
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s: %w", what, ctx.Err())
		case <-time.After(pause):
		}
		pause *= 2
	}
}
