// Package filetarget stores archive packages in a local directory, laid out like the S3 back
// end: the object with key "a/b.zip" is the file <root>/a/b.zip.
//
// Each object has a sidecar record <root>/.meta/<key>.json with its size, SHA-256, media type,
// retention and legal hold; Stat reports it, Open verifies the content against it, and Delete
// and Put enforce it: an object whose retention until-date lies in the future or that is under
// legal hold cannot be deleted (both modes behave alike; there is no bypass). Put over such an
// object makes the new content current and keeps the replaced one, with its record, as an older
// version in <root>/.versies/<key>/<n> (as a bucket with object lock keeps locked versions):
// Stat, Open and List show the current object only; Delete refuses while any version is
// locked and then removes them all; SetLegalHold and ExtendRetention apply to every version.
// This is enforcement by the program, not by the file system: anyone with write access to the
// directory can still remove the files. Use the S3 back end with object lock where the law
// requires storage that refuses deletion itself.
//
// Writes are atomic: content goes to a temporary file in the destination directory, is hashed
// while it is written and refused (the temporary file removed) unless it matches the announced
// SHA-256 and size, then it is fsynced and renamed into place and the directory fsynced. The
// record is written the same way and renamed before the data, so a visible object always has
// its record. One Target serialises its commits; two processes writing the same directory are
// not coordinated. Directories emptied by Delete are left in place.
//
// Keys follow objstore.ValidateKey; names starting with a dot are the back end's own (.meta,
// .versies, temporary files) and never listed. A directory cannot hold both an object "a" and an object
// "a/b", which S3 allows.
//
// filetarget does not import package target (target imports it); it speaks objstore's types.
package filetarget
