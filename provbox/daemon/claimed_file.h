/*
 * claimed_file.h - a claimed job's file stays what it was when claimed.
 *
 * Operators must not touch a job in active/, but nothing stops them. At
 * the claim provbox notes which file it read (device, inode, size, mtime,
 * ctime) and keeps the bytes it read (at most max-job-size; they are what
 * it sends). Before the job leaves active/ it looks again: when the file
 * there is another one (renamed over) or was rewritten in place, the file
 * found there is kept as a job of its own in failed/ (NAME~<unique>, with
 * Renamed-From: NAME and a Reason saying it was never sent: `provctl
 * requeue` sends it), and what was sent is put back as active/NAME (a new
 * file, fsynced, taken under the job's ownership lock), so that the move
 * that follows takes what was sent to done/ with its record. The change
 * is logged as an error and recorded in the job's status (Tampered:).
 * A crash in the middle leaves the copy of what was sent as
 * active/.sent.<unique> (a dot file: never claimed, never swept).
 */
#ifndef PROVBOX_CLAIMED_FILE_H
#define PROVBOX_CLAIMED_FILE_H

#include "gwlib/gwlib.h"
#include "spool/spool.h"

typedef struct ClaimedFile ClaimedFile;

/* The file open on fd, whose bytes (read at the claim) are text: borrowed,
 * it must outlive the ClaimedFile (a claimed job's is its Job's text). */
ClaimedFile *claimed_file_create(int fd, Octstr *text);
void claimed_file_destroy(ClaimedFile *claimed);

/*
 * NULL when active/NAME is still the file claimed, as it was. Otherwise
 * says how it changed (for the status's Tampered: line), after keeping the
 * file found and putting back what was sent; *lock_fd is then the new
 * file's (locked) descriptor, the old one closed.
 */
Octstr *claimed_file_keep_sent(ClaimedFile *claimed, Spool *spool, Octstr *name,
                               int *lock_fd);

#endif
