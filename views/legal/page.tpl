% rebase('layout.tpl', title=title)
<article class="legal-text">
<h1>{{title}}</h1>
% include('legal/_text.tpl', blocks=blocks)
</article>
