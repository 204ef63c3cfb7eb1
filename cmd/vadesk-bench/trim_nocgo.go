//go:build !cgo

package main

func trimCHeap() {}
