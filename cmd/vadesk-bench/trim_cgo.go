//go:build cgo

package main

/*
#include <stdlib.h>
#ifdef __GLIBC__
#include <malloc.h>
static void vadesk_trim(void) { malloc_trim(0); }
#else
static void vadesk_trim(void) {}
#endif
*/
import "C"

// trimCHeap hands the memory SQLite freed when the generator's connections
// closed back to the OS (glibc keeps it otherwise), so the server's peak
// RSS is measured from what the server holds.
func trimCHeap() { C.vadesk_trim() }
