// Package objstore holds the vocabulary every archive storage back end shares: the object
// description (ObjectInfo), the put options (PutOptions, Retention, RetentionMode), the sentinel
// errors callers decide on (ErrLocked, ErrChecksumMismatch, and os.ErrNotExist for "not found"),
// the key rules (ValidateKey, ValidatePrefix) and the verifying reader every Open returns.
//
// It is a leaf: it imports only the standard library. Package target defines the Target
// interface in these terms and holds the URL factory; the back ends (filetarget, s3target)
// import objstore and never target, so target can import them without a cycle and no back end
// registers itself in global state.
//
// objstore owns no storage and does no I/O of its own.
package objstore
