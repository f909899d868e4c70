// Package target is where archive packages are stored: the Target interface, the contract
// every storage back end keeps, and Open, the factory that picks a back end by URL scheme
// (file:///abs/path, s3://bucket/prefix).
//
// The arrangement avoids both an import cycle and global registration:
//
//	archive/target/objstore   leaf: ObjectInfo, PutOptions, Retention, ErrLocked, key rules
//	archive/target/filetarget imports objstore         (a local directory)
//	archive/target/s3target   imports objstore         (S3 with object lock, via minio-go)
//	archive/target            imports all three: Target, Open, aliases of objstore's names
//	archive/target/targettest imports target: the shared test suite and a versitygw runner
//
// The back ends implement Target structurally and never import this package; Open switches on
// the scheme and calls their constructors, so adding a back end is one case in Open and no
// init-time registry exists. Callers need only this package: the objstore names are re-exported
// here as aliases (target.ObjectInfo is objstore.ObjectInfo).
//
// target owns the storage contract; it does not know what an archive package contains (package
// archive builds and verifies those) nor when something may be destroyed (package retention).
package target
