"""The Relay `Node` interface: every addressable object has an opaque global `id`."""

import strawberry


@strawberry.interface(description="An object with an opaque global id, fetchable through `node(id)`.")
class Node:
    id: strawberry.ID
