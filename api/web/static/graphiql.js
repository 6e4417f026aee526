// GraphiQL for Wangge's /graphql, loaded from Wangge's own static files (the page has no inline
// script: the Content-Security-Policy forbids it). The query and variables live in the URL so a
// page can be shared; headers (the bearer token) are kept in the browser's local storage only.
(function () {
  "use strict";
  var EXAMPLE_QUERY =
    "# Wangge GraphQL. Put your token into the Headers tab below:\n" +
    '#   {"Authorization": "Bearer <token from `wangge token --sub ...`>"}\n' +
    "# Run with Ctrl-Enter.\n\n{\n  divisions {\n    code\n    name\n  }\n}\n";

  var parameters = {};
  new URLSearchParams(window.location.search).forEach(function (value, key) {
    parameters[key] = value;
  });

  function updateURL(data) {
    Object.assign(parameters, data);
    var search = new URLSearchParams();
    Object.keys(parameters).forEach(function (key) {
      if (parameters[key]) search.set(key, parameters[key]);
    });
    history.replaceState(null, "", "?" + search.toString());
  }

  var fetcher = GraphiQL.createFetcher({ url: window.location.href.split("?")[0] });

  function WanggeGraphiQL() {
    var query = React.useState(parameters.q || EXAMPLE_QUERY);
    var variables = React.useState(parameters.variables);
    return React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultEditorToolsVisibility: true,
      plugins: [GraphiQLPluginExplorer.explorerPlugin()],
      query: query[0],
      variables: variables[0],
      onEditQuery: function (value) {
        query[1](value);
        updateURL({ q: value });
      },
      onEditVariables: function (value) {
        variables[1](value);
        updateURL({ variables: value });
      },
      inputValueDeprecation: true,
      isHeadersEditorEnabled: true,
      shouldPersistHeaders: true,
    });
  }

  ReactDOM.createRoot(document.getElementById("graphiql")).render(React.createElement(WanggeGraphiQL));
})();
