// Dolbom's GraphiQL: the vendored GraphiQL against this server's /graphql. Set the
// Authorization header ({"Authorization": "Bearer <token>"}) in the Headers pane;
// Accept-Language (or ?locale=en) chooses the language of messages.
(function () {
  "use strict";
  var endpoint = new URL("/graphql", window.location.href).toString();
  var fetcher = GraphiQL.createFetcher({ url: endpoint });
  var root = ReactDOM.createRoot(document.getElementById("graphiql"));
  root.render(React.createElement(GraphiQL, {
    fetcher: fetcher,
    defaultEditorToolsVisibility: "headers",
    shouldPersistHeaders: false,
    defaultQuery: "# Dolbom GraphQL API\n# 헤더 탭에 {\"Authorization\": \"Bearer <토큰>\"}을 넣으세요.\n\n" +
      "query {\n  __typename\n}\n",
  }));
})();
