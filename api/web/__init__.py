"""The browser front of Wangge: GraphiQL, the officers' and auditors' console, the residents' pages.

Every page is rendered on the server from Jinja2 templates, and every asset is served by Wangge
itself (vendored from npm at build time by `assets/build.sh`): no page loads anything from
another origin. Pages never read the graph themselves; they call the GraphQL API with the
signed-in user's own token, so each action is gated and audited like any other request.
"""
