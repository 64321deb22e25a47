// GraphiQL at /graphql (development only), from the pinned @graphql-yoga/graphiql bundle in this
// Worker's assets. Monaco's web workers load from the same origin, so nothing comes from a CDN.
(function () {
  var root = document.getElementById("root");
  var vendor = root.getAttribute("data-vendor");
  var workers = {
    editorWorkerService: vendor + "/monacoeditorwork/editor.worker.bundle.js",
    json: vendor + "/monacoeditorwork/json.worker.bundle.js",
    graphql: vendor + "/monacoeditorwork/graphql.worker..bundle.js",
  };
  self.MonacoEnvironment = {
    globalAPI: false,
    getWorkerUrl: function (_moduleId, label) {
      return workers[label] || workers.editorWorkerService;
    },
  };
  var script = document.createElement("script");
  script.src = vendor + "/yoga-graphiql.umd.js";
  var example =
        "# Edgeshop GraphQL (development). Admin operations need an Authorization header:\n" +
        '# { "Authorization": "Bearer esk_admin_…" }\n\n' +
        "query Products {\n  products(first: 3) {\n    edges { node { title slug priceRange { min { amount currency } } } }\n  }\n}\n";
  script.onload = function () {
    window.YogaGraphiQL.renderYogaGraphiQL(root, { endpoint: "/graphql", title: "Edgeshop GraphiQL", defaultQuery: example, query: example });
  };
  document.head.appendChild(script);
})();
