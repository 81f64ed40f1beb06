% # The footer links of every page, public and private, to the pages a public site must publish.
<nav class="legal-links" aria-label="Informations légales et aide">
  <ul>
  % for href, text in legal_links:
    <li><a href="{{href}}"{{!' aria-current="page"' if path == href else ''}}>{{text}}</a></li>
  % end
  </ul>
</nav>
