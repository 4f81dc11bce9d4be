  /* Shared by Duet's web resources (templates/origin_variable.js): where Duet is, from the org. */
  /* The variable's value through the org's Web API (this page is served by the org): the value
   * row when an administrator set one, else the definition's default. */
  function readDuetOrigin() {
    var query = "/api/data/v9.2/environmentvariabledefinitions?$filter=schemaname%20eq%20'" + VARIABLE +
      "'&$select=defaultvalue&$expand=environmentvariabledefinition_environmentvariablevalue($select=value)";
    var unreachable = "Duet's address could not be read from this org (environment variable " + VARIABLE +
      "). Reload the tab; if it happens again, ask your administrator to check that Duet is installed and that you hold the Duet Agent role.";
    return fetch(window.location.origin + query, {
      credentials: "same-origin",
      headers: { "Accept": "application/json", "OData-MaxVersion": "4.0", "OData-Version": "4.0" }
    }).then(function (response) {
      if (!response.ok) { throw new Error(unreachable); }
      return response.json();
    }, function () { throw new Error(unreachable); }).then(function (body) {
      var definition = body && body.value && body.value[0];
      var values = definition && definition.environmentvariabledefinition_environmentvariablevalue;
      var raw = (values && values[0] && values[0].value) || (definition && definition.defaultvalue) || "";
      return originOf(String(raw).trim());
    });
  }

  function originOf(raw) {
    var notSet = "Duet's address is not set in this org. An administrator sets the environment variable " + VARIABLE +
      " (Duet service address) to Duet's https address, e.g. with duet provision --origin https://duet.contoso.com.";
    if (raw === "") { throw new Error(notSet); }
    var url;
    try { url = new URL(raw); } catch (e) { url = null; }
    var loopback = url && (url.hostname === "127.0.0.1" || url.hostname === "localhost" || url.hostname === "[::1]");
    if (!url || !(url.protocol === "https:" || (url.protocol === "http:" && loopback))) {
      throw new Error("The environment variable " + VARIABLE + " is not an https address (" + raw +
        "). An administrator sets it to Duet's address, e.g. https://duet.contoso.com.");
    }
    return url.origin;
  }
