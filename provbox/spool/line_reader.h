/*
 * line_reader.h - a file read a line at a time through one fixed buffer,
 * for readers that must not hold a whole job in memory (resend.h reads a
 * job of a million To: lines this way).
 *
 * A line is given with its LF (the last one may have none) and stays
 * valid until the next call. A line longer than the buffer is refused,
 * not cut. After the last line wanted, line_reader_copy_rest() writes
 * everything not yet given out (the document after a job's headers) to
 * another descriptor, a buffer at a time. The reader does not own fd.
 */
#ifndef PROVBOX_LINE_READER_H
#define PROVBOX_LINE_READER_H

#define LINE_READER_TOO_LONG (-2)

typedef struct LineReader LineReader;

/* Reads fd from its current offset; `size` bytes of buffer (the longest line). */
LineReader *line_reader_create(int fd, long size);
void line_reader_destroy(LineReader *reader);

/* 1 with *line, *len set; 0 at the end of the file; -1 with errno set
 * (a read error); LINE_READER_TOO_LONG. */
int line_reader_next(LineReader *reader, const char **line, long *len);

/* The rest of the file into out: 0, or -1 with errno set. */
int line_reader_copy_rest(LineReader *reader, int out);

#endif
