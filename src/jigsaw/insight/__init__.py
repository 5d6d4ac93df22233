"""The partnership's own picture: figures for analysts and the board, with disclosure control."""
