"""The OCOP office's back office (văn phòng OCOP): producers, certificates, import, audit log."""
