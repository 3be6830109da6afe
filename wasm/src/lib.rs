//! zkid for the browser and Node (work in progress).
