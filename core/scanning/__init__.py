"""QR decoding from images and camera frames, and repair of keyboard-wedge scanner input."""
