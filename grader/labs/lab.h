/*
 * The lab registry: every lab of the kit.  A lab is one folder,
 * grader/labs/NAME/, whose NAME.c defines `const struct grade_lab NAME`
 * (with '_' for '-'; struct grade_lab is in grade.h): its title, its
 * programs (each with its role and source files), its tests and the
 * labpeer kinds they run; NAME.rubric beside it holds the points.  The
 * list below is generated from those folders (labs.mk writes labs.inc),
 * so nothing else names a lab: labgrade --labs and --sources print it
 * for the Makefiles and scripts.
 *
 * Interface:
 *	lab_count(), lab_at(i)     the labs, in the folders' order
 *	lab_find(name)             a lab by name, or by the part of its name
 *	                           before the first '-' ("lab1" for
 *	                           "lab1-udp"); NULL if there is none
 *	lab_sources(lab, out, n)   the lab's source files, program by
 *	                           program, into out (NULL-ended); how many
 *	lab_names(buf, n)          "a, b or c", the names for a message
 */
#ifndef LAB_H
#define LAB_H

#include <stddef.h>

#include "grade.h"

size_t lab_count(void);
const struct grade_lab *lab_at(size_t i);
const struct grade_lab *lab_find(const char *name);
size_t lab_sources(const struct grade_lab *lab, const char **out, size_t n);
const char *lab_names(char *buf, size_t len);

#endif
