module local.build/standin

go 1.24.0
