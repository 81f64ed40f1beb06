<ul class="test-part">
% for item in items:
  <li>{{item}}</li>
% end
</ul>
